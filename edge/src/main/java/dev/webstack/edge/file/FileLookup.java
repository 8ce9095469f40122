package dev.webstack.edge.file;

/**
 * What a request path leads to in one site, as a value (nginx's phases end in one of these): a
 * file, a redirect adding the directory's slash, or a refusal with its status.
 */
record FileLookup(Kind kind, FileEntry file, long checkedAtNanos) {
    enum Kind {
        FILE,
        ADD_SLASH,
        BAD_REQUEST,
        FORBIDDEN,
        NOT_FOUND
    }

    static FileLookup of(Kind kind, long now) {
        return new FileLookup(kind, null, now);
    }
}
