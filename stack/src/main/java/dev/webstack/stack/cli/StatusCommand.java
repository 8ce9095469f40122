package dev.webstack.stack.cli;

import dev.webstack.stack.StackControl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webstack status}: every tier of the running stack, as it is now. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show the running stack: the database, each app instance (pid, port, health, uptime, restarts, requests"
                    + " in flight), each upstream pool's servers, the edge's listeners and the DNS zones.",
            "Asks the stack through its admin socket (run/admin.sock in the data folder, reachable by its owner"
                    + " only). Exit 1 when no stack runs on the config's data folder."
        })
public final class StatusCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The config file the stack was started with (default: webstack.yaml in the current directory, if it exists).")
    Path config;

    @Option(names = "--json", description = "One JSON object, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        List<String> request = new ArrayList<>(List.of("status"));
        if (json) {
            request.add("--json");
        }
        return StackControl.admin(config, request, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
