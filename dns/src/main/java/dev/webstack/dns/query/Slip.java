package dev.webstack.dns.query;

/**
 * The truncated answer response-rate limiting sends instead of dropping, every slip-th time: the header with TC
 * set, the question, and an OPT record when the query had one; nothing an attacker could amplify with, and enough
 * for a real client to ask again over TCP.
 */
final class Slip {
    private Slip() {
    }

    /** @param udpSize the server's UDP size for the OPT record; -1 for none */
    static byte[] truncate(byte[] answer, int udpSize) {
        int questionEnd = QuestionName.end(answer) + 4; // our own answer: its name is always whole and plain
        boolean opt = udpSize > 0;
        byte[] slip = new byte[questionEnd + (opt ? 11 : 0)];
        System.arraycopy(answer, 0, slip, 0, questionEnd);
        slip[2] |= 0x02; // TC
        for (int count = 6; count < 12; count++) {
            slip[count] = 0;
        }
        if (opt) {
            slip[11] = 1;
            int at = questionEnd;
            slip[at + 2] = 41; // root name (0), type 41 (OPT), then the UDP size as the class; TTL and rdlength 0
            slip[at + 3] = (byte) (udpSize >> 8);
            slip[at + 4] = (byte) udpSize;
        }
        return slip;
    }
}
