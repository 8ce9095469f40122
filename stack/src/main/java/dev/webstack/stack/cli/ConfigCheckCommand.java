package dev.webstack.stack.cli;

import dev.webstack.dns.zone.ZoneException;
import dev.webstack.dns.zone.ZoneLoader;
import dev.webstack.stack.WebstackCommand;
import dev.webstack.stack.config.ConfigError;
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
import picocli.CommandLine.Parameters;

/**
 * {@code webstack config check [FILE]}: validates a config file without starting anything (like {@code nginx -t}).
 * A good file prints its effective config, defaults filled in, and exits 0; a bad one prints every problem with its
 * place and exits 2.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Check a config file and print the effective config (every default filled in).",
            "Starts nothing. Exit code 0 when the file is good, 2 with every problem listed when it is not."
        })
public final class ConfigCheckCommand implements Callable<Integer> {
    @Parameters(
            arity = "0..1",
            paramLabel = "FILE",
            description = "The config file (default: ./" + ConfigLoader.DEFAULT_FILE + " when there is one).")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Path> source = ConfigLoader.locate(Optional.ofNullable(file));
        try {
            StackConfig config = ConfigLoader.load(source, Bundled.fromLauncher());
            if (config.dns().enabled()) {
                // The zone files too, as `up` reads them before anything starts (nginx -t reads its includes).
                try {
                    ZoneLoader.load(config.dns());
                } catch (ZoneException e) {
                    e.problems().forEach(err::println);
                    err.println(source.map(Path::toString).orElse("the zones") + ": " + e.problems().size()
                            + (e.problems().size() == 1 ? " problem" : " problems") + " in the zones; nothing was started");
                    err.flush();
                    return WebstackCommand.EXIT_USAGE;
                }
            }
            out.print(ConfigLoader.toYaml(config));
            out.flush();
            err.println(source.map(p -> p + ": ok")
                    .orElse("no " + ConfigLoader.DEFAULT_FILE + " here: every value is a default"));
            err.flush();
            return WebstackCommand.EXIT_OK;
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            int count = e.errors().size();
            err.println(source.orElseThrow() + ": " + count + (count == 1 ? " problem" : " problems")
                    + "; nothing was started");
            err.flush();
            return WebstackCommand.EXIT_USAGE;
        }
    }
}
