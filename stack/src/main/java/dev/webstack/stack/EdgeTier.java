package dev.webstack.stack;

import dev.webstack.edge.EdgeServer;
import dev.webstack.stack.config.StackConfig;

/** The edge server as a tier of the stack. */
final class EdgeTier implements Tier {
    private final EdgeServer server;

    EdgeTier(StackConfig config) {
        this.server = new EdgeServer(config.edge(), config.dataDir());
    }

    @Override
    public String name() {
        return "edge";
    }

    @Override
    public void start() throws Exception {
        server.start();
    }

    @Override
    public String ready() {
        return server.describe();
    }

    EdgeServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
