package dev.webstack.stack;

import dev.webstack.edge.EdgeServer;
import dev.webstack.edge.config.EdgeConfig;
import dev.webstack.stack.config.StackConfig;
import java.util.List;

/** The edge server as a tier of the stack. */
final class EdgeTier implements Tier {
    private final StackConfig config;
    private final EdgeServer server;
    private EdgeConfig loaded; // the edge config last applied; reloads run one at a time

    EdgeTier(StackConfig config) {
        this.config = config;
        this.server = new EdgeServer(config.edge(), config.dataDir());
        this.loaded = config.edge();
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

    /**
     * Swaps in the new sites and upstream pools (nginx's reload); what cannot change while serving (listeners, TLS,
     * limits) is named as taking effect at the next up.
     */
    @Override
    public String reload(StackConfig next) {
        if (next.edge().equals(loaded)) {
            return null;
        }
        List<String> done = server.reload(next.edge());
        loaded = next.edge();
        return done.isEmpty() ? null : String.join("; ", done);
    }

    EdgeServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
