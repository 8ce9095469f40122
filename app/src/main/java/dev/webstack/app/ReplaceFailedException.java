package dev.webstack.app;

/**
 * A restart or deploy ({@link AppServer#replace}) did not happen: a new instance did not become healthy, or the app
 * server was closed meanwhile. The message names the slot, says why (with that instance's last health check and
 * last output) and how the rollback went; when it worked, every slot runs the config it ran before.
 */
public final class ReplaceFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReplaceFailedException(String message) {
        super(message);
    }
}
