package dev.webstack.dns.query;

/**
 * Where the question's name ends in a message's bytes: the one walk over its labels that the fast path, the
 * checks and the truncated reply share.
 */
final class QuestionName {
    static final int HEADER = 12;
    /** The name runs past the end of the message. */
    static final int TRUNCATED = -1;
    /** The name holds a compression pointer or an extended label type, which a question has no use for. */
    static final int NOT_PLAIN = -2;

    private QuestionName() {}

    /** The offset just past the name's final zero byte, or {@link #TRUNCATED} or {@link #NOT_PLAIN}. */
    static int end(byte[] message) {
        int i = HEADER;
        while (i < message.length) {
            int label = message[i] & 0xff;
            if (label == 0) {
                return i + 1;
            }
            if (label > 63) {
                return NOT_PLAIN;
            }
            i += label + 1;
        }
        return TRUNCATED;
    }
}
