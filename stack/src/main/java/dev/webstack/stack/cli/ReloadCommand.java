package dev.webstack.stack.cli;

import dev.webstack.stack.StackControl;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webstack reload}: makes the running stack re-read its config's zones, and shows the outcome. */
@Command(
        name = "reload",
        mixinStandardHelpOptions = true,
        description = {
            "Make the running stack re-read its config file and zone files without dropping a query (as SIGHUP does).",
            "A config or zone file that no longer loads is reported, and the stack keeps serving what it had."
        })
public final class ReloadCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The config file the stack was started with (default: webstack.yaml in the current directory, if it exists).")
    Path config;

    @Override
    public Integer call() throws Exception {
        return StackControl.reload(config, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
