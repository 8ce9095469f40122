package dev.webstack.dns.zone;

import java.util.List;

/** A zone that cannot be served, with every problem found, each as {@code file:line: what (expected: ...)}. */
public final class ZoneException extends Exception {
    private final List<String> problems;

    public ZoneException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
