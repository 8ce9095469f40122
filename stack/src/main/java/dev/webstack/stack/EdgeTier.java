package dev.webstack.stack;

import dev.webstack.edge.EdgeServer;
import dev.webstack.stack.config.StackConfig;

/** The edge server as a tier of the stack. */
final class EdgeTier implements Tier {
    private final StackConfig config;
    private final EdgeServer server;

    EdgeTier(StackConfig config) {
        this.config = config;
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

    @Override
    public String reload(StackConfig next) {
        // The edge does not reload yet: say so when its settings changed, rather than pretend.
        return next.edge().equals(config.edge()) ? null : "settings changed: they take effect at the next up";
    }

    EdgeServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
