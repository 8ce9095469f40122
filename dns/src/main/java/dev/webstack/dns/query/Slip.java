package dev.webstack.dns.query;

/**
 * The truncated answer response-rate limiting sends instead of dropping, every slip-th time: the header with TC
 * set, the question, and the OPT record when there was one; nothing an attacker could amplify with, and enough for
 * a real client to ask again over TCP.
 */
final class Slip {
    private static final int HEADER = 12;
    private static final int OPT_LENGTH = 11;

    private Slip() {
    }

    static byte[] truncate(byte[] answer) {
        int i = HEADER;
        while (answer[i] != 0) {
            i += (answer[i] & 0xff) + 1;
        }
        int questionEnd = i + 1 + 4;
        int arcount = (answer[10] & 0xff) << 8 | (answer[11] & 0xff);
        int end = answer.length;
        boolean opt = arcount > 0 && end - OPT_LENGTH >= questionEnd && answer[end - OPT_LENGTH] == 0
                && answer[end - OPT_LENGTH + 1] == 0 && answer[end - OPT_LENGTH + 2] == 41;
        byte[] slip = new byte[questionEnd + (opt ? OPT_LENGTH : 0)];
        System.arraycopy(answer, 0, slip, 0, questionEnd);
        if (opt) {
            System.arraycopy(answer, end - OPT_LENGTH, slip, questionEnd, OPT_LENGTH);
        }
        slip[2] |= 0x02; // TC
        for (int count = 6; count < 12; count++) {
            slip[count] = 0;
        }
        slip[11] = (byte) (opt ? 1 : 0);
        return slip;
    }
}
