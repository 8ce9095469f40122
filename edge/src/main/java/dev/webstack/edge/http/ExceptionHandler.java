package dev.webstack.edge.http;

import dev.webstack.edge.log.ErrorLog;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import java.io.IOException;
import java.net.SocketAddress;
import javax.net.ssl.SSLException;

/**
 * The end of every pipeline: an exception that reached it costs only its own connection, which is
 * closed. Network errors (a reset, a bad TLS record) are the client's business; anything else is
 * written to the error log.
 */
@ChannelHandler.Sharable
public final class ExceptionHandler extends ChannelInboundHandlerAdapter {
    private final ErrorLog log;

    public ExceptionHandler(ErrorLog log) {
        this.log = log;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        boolean network = root instanceof IOException || root instanceof SSLException || root instanceof NotSslRecordException;
        if (!network && log != null) {
            SocketAddress client = ctx.channel().remoteAddress();
            log.error("client " + client + ": " + root);
        }
        ctx.close();
    }
}
