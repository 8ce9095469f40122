package dev.webstack.stack.cli;

import dev.webstack.stack.StackControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webstack deploy}: a new version of the app, rolled out one instance at a time. */
@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = {
            "Roll the running stack's app instances over to a new version, one at a time, as restart app does:"
                    + " a new jar (--jar), a new command (--command), or, with neither, the app section of the"
                    + " config file as it is now.",
            "A new version that never becomes healthy is rolled back; the old instances keep serving (exit 1).",
            "The new command lasts until the stack stops; put it in the config file to keep it."
        })
public final class DeployCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The config file the stack was started with (default: webstack.yaml in the current directory, if it exists).")
    Path config;

    @ArgGroup(exclusive = true)
    What what;

    static final class What {
        @Option(names = "--jar", paramLabel = "PATH", description = "Run this jar in place of the current one, with the same JVM options.")
        Path jar;

        @Option(names = "--command", paramLabel = "COMMAND", description = "Run this program with these arguments, one string split at spaces (\"java -jar /srv/site-2.jar\").")
        String command;
    }

    @Override
    public Integer call() {
        List<String> request = new ArrayList<>(List.of("deploy"));
        if (what != null && what.jar != null) {
            Path jar = what.jar.toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--jar: file not found: " + jar);
            }
            request.add("--jar");
            request.add(jar.toString());
        } else if (what != null && what.command != null) {
            List<String> words = List.of(what.command.trim().split("\\s+"));
            if (words.get(0).isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--command: expected a program and"
                        + " its arguments, got nothing");
            }
            request.add("--command");
            String program = words.get(0);
            // The stack may run from another folder: a relative program is resolved here, where it was meant.
            request.add(program.contains("/") ? Path.of(program).toAbsolutePath().normalize().toString() : program);
            request.addAll(words.subList(1, words.size()));
        }
        return StackControl.admin(config, request, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
