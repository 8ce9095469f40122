package dev.webstack.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Sends one request to a running stack's {@link AdminSocket} and passes its answer on, line by line. */
final class AdminClient {
    private AdminClient() {
    }

    /**
     * @return the exit code the stack answered, or 1 when no stack listens on the data folder or the answer broke off
     */
    static int call(Path dataDir, List<String> request, PrintWriter out, PrintWriter err) {
        Path file = dataDir.resolve(AdminSocket.FILE);
        for (String part : request) {
            if (part.isEmpty() || part.indexOf('\n') >= 0 || part.indexOf('\r') >= 0) {
                err.println("webstack: an argument may not be empty or hold a line break: '" + part + "'");
                err.flush();
                return 2;
            }
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(file));
        } catch (IOException e) {
            Optional<Long> holder = Optional.empty();
            try {
                holder = DataDir.runningPid(dataDir);
            } catch (IOException unreadable) {
                // said below as no stack running
            }
            err.println(holder.map(pid -> "webstack: the stack on " + dataDir + " (pid " + pid + ") is starting or"
                    + " stopping: its admin socket is not open yet; try again in a moment")
                    .orElse("webstack: no stack is running on the data folder " + dataDir + " (start it with"
                            + " ./webstack up)"));
            err.flush();
            return 1;
        }
        try (channel;
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                        StandardCharsets.UTF_8))) {
            try {
                ByteBuffer bytes = ByteBuffer.wrap((String.join("\n", request) + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException refused) {
                // a stack too busy to take the request answers at once and closes: its answer is still there to read
            }
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("out ")) {
                    out.println(line.substring(4));
                    out.flush();
                } else if (line.startsWith("err ")) {
                    err.println(line.substring(4));
                    err.flush();
                } else if (line.startsWith("exit ")) {
                    return Integer.parseInt(line.substring(5).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            err.println("webstack: the stack's answer broke off: " + e.getMessage());
            err.flush();
            return 1;
        }
        err.println("webstack: the stack closed the admin connection without an answer (did it stop?)");
        err.flush();
        return 1;
    }
}
