package dev.webstack.stack;

import dev.webstack.stack.cli.ConfigCommand;
import dev.webstack.stack.cli.DbCommand;
import dev.webstack.stack.cli.DeployCommand;
import dev.webstack.stack.cli.ReloadCommand;
import dev.webstack.stack.cli.RestartCommand;
import dev.webstack.stack.cli.StatusCommand;
import dev.webstack.stack.cli.UpCommand;
import dev.webstack.stack.cli.VersionCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code webstack} command: the entry point for every subcommand. Exit codes: 0 ok, 2 usage or
 * config error, 1 failure at run time.
 */
@Command(
        name = "webstack",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "A complete web infrastructure for one domain: DNS, edge web server, application server, database.",
        subcommands = {UpCommand.class, StatusCommand.class, RestartCommand.class, DeployCommand.class, ReloadCommand.class, ConfigCommand.class, DbCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class WebstackCommand implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_RUNTIME = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new WebstackCommand());
        cli.setExitCodeExceptionMapper(e -> EXIT_RUNTIME);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("webstack: " + e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("webstack: " + e.getMessage());
            return EXIT_RUNTIME;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
