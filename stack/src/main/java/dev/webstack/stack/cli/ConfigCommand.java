package dev.webstack.stack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code webstack config}: the group of config subcommands. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Work with the config file.",
        subcommands = {ConfigCheckCommand.class})
public final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: check");
    }
}
