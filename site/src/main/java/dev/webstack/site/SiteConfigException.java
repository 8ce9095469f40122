package dev.webstack.site;

import java.util.List;

/** The environment does not describe a runnable site; {@link SiteMain} prints the problems and exits with 2. */
public final class SiteConfigException extends RuntimeException {

    private final List<String> problems;

    public SiteConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
