package dev.webstack.app;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * What {@code webstack status} shows of one app instance.
 *
 * @param index 1..instances
 * @param pid the running process, or 0 when none runs
 * @param port its port on 127.0.0.1, or 0 when none runs
 * @param state where it is in its life
 * @param uptime since the running process was spawned; zero when none runs
 * @param restarts how many times it was restarted after a crash
 * @param lastExitCode the exit code of its last process, when one has exited (128 + N after signal N)
 * @param crashLoop whether it exited too often and is no longer restarted
 * @param replacing whether a restart or deploy is replacing this slot's instance: a second process of the slot runs
 *        beside the one shown (the new one, until it is healthy; then the old one, while it is drained and stopped)
 */
public record InstanceStatus(int index, long pid, int port, InstanceState state, Duration uptime, int restarts,
        OptionalInt lastExitCode, boolean crashLoop, boolean replacing) {

    InstanceStatus withReplacing(boolean value) {
        return value == replacing ? this
                : new InstanceStatus(index, pid, port, state, uptime, restarts, lastExitCode, crashLoop, value);
    }
}
