package dev.webstack.stack.cli;

import dev.webstack.stack.StackControl;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code webstack restart app}: a rolling restart of the app instances, without dropping a request. */
@Command(
        name = "restart",
        mixinStandardHelpOptions = true,
        description = {
            "Replace the running stack's app instances one at a time: start a new one, wait until it answers its"
                    + " health path, put it in the pool, then drain the old one and stop it. Progress is shown.",
            "If a new instance never becomes healthy, the instances already replaced are rolled back and the old"
                    + " ones keep serving (exit 1)."
        })
public final class RestartCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TIER", description = "What to restart: app (the only tier restarted"
            + " while the stack runs).")
    String tier;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The config file the stack was started with (default: webstack.yaml in the current directory, if it exists).")
    Path config;

    @Override
    public Integer call() {
        if (!tier.equals("app")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot restart '" + tier
                    + "' while the stack runs: only app (the db, edge and dns restart with the stack; reload"
                    + " re-reads zones)");
        }
        return StackControl.admin(config, List.of("restart", "app"), spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
