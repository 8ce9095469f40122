package dev.webstack.app;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * One restart or deploy of the app tier, behind {@link AppServer#replace} (kamal-proxy's deploy, Caddy's start new,
 * swap, stop old): each slot in turn gets a new instance, and its old one leaves the pool only once the new one is
 * in it. The {@link AppServer} keeps the slots; this is the sequence.
 *
 * <pre>
 *   slot 1..N:  start new beside old (on trial: not restarted) ──healthy (listener.healthy: in the pool)──▶
 *               status() shows new ──▶ stop old (listener.leaving, drain, SIGTERM, SIGKILL after grace) ──▶ next slot
 *                  │ exits, or not healthy within start-timeout
 *                  ▼
 *               stop new ──▶ roll back slots done so far (same steps, previous config; added slots just stop) ──▶ throw
 *   at the end: slots beyond next.instances() are stopped; the server's config becomes next
 * </pre>
 */
final class RollingReplace {
    private final AppServer server;
    private final AppConfig previous;
    private final AppConfig next;
    private final Consumer<String> progress;

    RollingReplace(AppServer server, AppConfig previous, AppConfig next, Consumer<String> progress) {
        this.server = server;
        this.previous = previous;
        this.next = next;
        this.progress = progress;
    }

    static ReplaceFailedException closedMeanwhile() {
        return new ReplaceFailedException("the app server was closed during the restart or deploy: it stops every"
                + " instance, old and new; nothing was rolled back");
    }

    void run() throws ReplaceFailedException, InterruptedException {
        int generation = server.nextGeneration();
        int done = 0; // slots 1..done run next
        while (done < next.instances()) {
            String failure = swap(done + 1, next, generation, "new", "old");
            if (failure != null) {
                throw new ReplaceFailedException("replacing the app instances failed at " + failure + "; "
                        + rollBack(done));
            }
            done++;
        }
        for (int i = previous.instances(); i > next.instances(); i--) {
            removeLast("not in the new config");
        }
    }

    /**
     * Slot {@code index}: a new instance of {@code with}, healthy, in the pool, then the slot's current one (if any)
     * drained and stopped. Null when done; what went wrong otherwise ("app-2: its new instance …").
     */
    private String swap(int index, AppConfig with, int generation, String incomingName, String outgoingName)
            throws ReplaceFailedException, InterruptedException {
        String slot = "app-" + index;
        try {
            InstanceSupervisor incoming = server.startBeside(index, with, generation);
            boolean healthy;
            try {
                healthy = server.awaitTrial(incoming);
            } catch (InterruptedException | ReplaceFailedException e) {
                incoming.requestStop(); // closed: close() stops it as well; interrupted: it stops on its own thread
                throw e;
            }
            if (!healthy) {
                String why = incoming.trialFailure() != null ? incoming.trialFailure()
                        : "stopped before it was healthy";
                String failure = slot + ": its " + incomingName + " instance " + why + " (" + incoming.describe() + ")";
                say(index, failure);
                server.retire(incoming);
                return failure;
            }
            Instance in = incoming.firstHealthy();
            say(index, slot + ": " + incomingName + " instance pid " + in.pid() + " on port " + in.port()
                    + " is healthy, in the pool");
            InstanceSupervisor outgoing = server.swapIn(incoming);
            if (outgoing != null) {
                stop(outgoing, outgoingName + " instance");
            }
            return null;
        } finally {
            server.replacing(0);
        }
    }

    /**
     * Puts slots 1..done back on the previous config, last first: replaced slots by the same steps as forward (a
     * previous-config instance healthy before the new one leaves), added slots just stopped. Says how it went.
     */
    private String rollBack(int done) throws ReplaceFailedException, InterruptedException {
        if (done == 0) {
            return "no slot was replaced: the old instances kept serving";
        }
        int generation = server.nextGeneration();
        List<String> failed = new ArrayList<>();
        for (int i = done; i >= 1; i--) {
            if (i > previous.instances()) {
                removeLast("rolled back");
                continue;
            }
            String failure = swap(i, previous, generation, "previous-config", "new");
            if (failure != null) {
                failed.add(failure);
            }
        }
        String slots = done == 1 ? "app-1 runs" : "app-1..app-" + done + " run";
        if (failed.isEmpty()) {
            say(0, "rolled back: " + slots + " the previous config again");
            return "rolled back: " + slots + " the previous config again, and the old version kept serving"
                    + " throughout";
        }
        return "the rollback FAILED for " + String.join("; ", failed) + ": those slots keep their new instance,"
                + " every other slot runs the previous config again";
    }

    /** Takes the last slot away: its instance is drained and stopped. */
    private void removeLast(String why) throws InterruptedException {
        stop(server.removeLastSlot(), "instance (" + why + ")");
    }

    /** Stops a supervisor taken out of its slot, and says how: "app-1: old instance pid Q drained and stopped …". */
    private void stop(InstanceSupervisor s, String what) throws InterruptedException {
        String slot = "app-" + s.index();
        InstanceStatus was = s.status();
        boolean stopped = server.retire(s);
        if (was.pid() == 0) {
            say(s.index(), slot + ": " + what + " was not running (" + was.state().name().toLowerCase()
                    + (was.crashLoop() ? ", in a crash loop" : "") + "): its supervisor is stopped");
            return;
        }
        if (!stopped) {
            say(s.index(), slot + ": " + what + " pid " + was.pid() + " did not stop in time: left to close() and"
                    + " the next start");
            return;
        }
        OptionalInt code = s.status().lastExitCode();
        say(s.index(), slot + ": " + what + " pid " + was.pid() + " "
                + (was.state() == InstanceState.HEALTHY ? "drained and stopped" : "stopped (it was "
                        + was.state().name().toLowerCase() + ")")
                + (code.isPresent() ? " (exit code " + code.getAsInt() + ")" : ""));
    }

    /** A progress line, also in the slot's log (slot 0: no log). */
    private void say(int index, String line) {
        server.note(index, line);
        try {
            progress.accept(line);
        } catch (RuntimeException e) {
            // the caller's output is broken: the replacement goes on, the slot's log has the line
        }
    }
}
