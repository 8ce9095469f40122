package dev.webstack.stack.cli;

import dev.webstack.stack.StackRunner;
import dev.webstack.stack.config.ConfigException;
import dev.webstack.stack.config.Bundled;
import dev.webstack.stack.config.ConfigLoader;
import dev.webstack.stack.config.StackConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webstack up}: validates the config, then runs the stack in the foreground until Ctrl-C or SIGTERM. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Start the stack in the foreground and keep it running until Ctrl-C or SIGTERM.",
            "With no config file, serves www.foobar.com on http://127.0.0.1:8080 and https://127.0.0.1:8443,",
            "and DNS for foobar.com on 127.0.0.1:5353. SIGHUP (or ./webstack reload) re-reads the zones."
        })
public final class UpCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The config file (default: webstack.yaml in the current directory, if it exists).")
    Path config;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        StackConfig c;
        try {
            c = ConfigLoader.load(ConfigLoader.locate(Optional.ofNullable(config)), Bundled.fromLauncher());
        } catch (ConfigException e) {
            e.errors().forEach(err::println);
            err.println("webstack: the config has " + e.errors().size() + " problem(s); nothing was started");
            err.flush();
            return 2;
        }
        return new StackRunner(c, spec.commandLine().getOut(), err).run();
    }
}
