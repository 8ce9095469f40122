package dev.webstack.dns.query;

import java.util.Arrays;

/**
 * The shape nearly every query has, read straight from the bytes: one question of class IN, no other records but
 * an optional EDNS version 0 OPT (its options well formed), nothing after. Such a query's answer depends only on the question
 * (case aside), the size the answer may take and the DO bit, so it can be cached (see {@link AnswerCache}). Any
 * other message, well formed or not, takes the general path through dnsjava's parser.
 */
final class SimpleQuery {
    private static final int HEADER = QuestionName.HEADER;
    private static final int TYPE_OPT = 41;
    private static final int CLASS_IN = 1;

    /** The cache key: the lower-cased question name, the type, the EDNS presence, the DO bit and the size limit. */
    final Key key;
    /** Where the question's name ends (exclusive), in the query and in the answer alike. */
    final int nameEnd;
    final boolean edns;

    private SimpleQuery(Key key, int nameEnd, boolean edns) {
        this.key = key;
        this.nameEnd = nameEnd;
        this.edns = edns;
    }

    /** The query read as simple, or null when it is anything else. */
    static SimpleQuery parse(byte[] q, boolean tcp, int udpSize) {
        int length = q.length;
        if (length < HEADER + 5 || (q[2] & 0xf8) != 0 || u16(q, 4) != 1 || u16(q, 6) != 0 || u16(q, 8) != 0) {
            return null; // a response, an opcode other than QUERY, or not exactly one question and no records
        }
        int additional = u16(q, 10);
        if (additional > 1) {
            return null;
        }
        int nameEnd = QuestionName.end(q);
        if (nameEnd < 0) {
            return null;
        }
        if (nameEnd - HEADER > 255 || nameEnd + 4 > length) {
            return null;
        }
        int type = u16(q, nameEnd);
        if (u16(q, nameEnd + 2) != CLASS_IN || type == 251 || type == 252) {
            return null; // other classes, IXFR and AXFR take the general path
        }
        int end = nameEnd + 4;
        int limit = tcp ? Responder.TCP_SIZE : Responder.CLASSIC_UDP_SIZE;
        boolean dnssecOk = false;
        boolean edns = additional == 1;
        if (edns) {
            // OPT: root name (0), type 41, class = UDP size, TTL = ext-rcode, version, flags, then options. The
            // options (a cookie, most often) change nothing in the answer: they need only be well formed.
            if (end + 11 > length || q[end] != 0 || u16(q, end + 1) != TYPE_OPT || q[end + 6] != 0
                    || end + 11 + u16(q, end + 9) != length || !wellFormedOptions(q, end + 11, length)) {
                return null;
            }
            if (!tcp) {
                limit = Math.min(udpSize, Math.max(Responder.CLASSIC_UDP_SIZE, u16(q, end + 3)));
            }
            dnssecOk = (q[end + 7] & 0x80) != 0;
        } else if (end != length) {
            return null;
        }
        byte[] key = new byte[nameEnd - HEADER + 5];
        for (int k = HEADER; k < nameEnd; k++) {
            byte b = q[k];
            key[k - HEADER] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
        }
        int at = nameEnd - HEADER;
        key[at] = (byte) (type >> 8);
        key[at + 1] = (byte) type;
        key[at + 2] = (byte) ((edns ? 1 : 0) | (dnssecOk ? 2 : 0));
        key[at + 3] = (byte) (limit >> 8);
        key[at + 4] = (byte) limit;
        return new SimpleQuery(new Key(key), nameEnd, edns);
    }

    /**
     * The cached answer made this query's own: its id, its RD bit, and its question name, whose case (RFC 4343)
     * then also shows in every name compressed against it.
     */
    byte[] personalize(byte[] cached, byte[] query) {
        byte[] answer = cached.clone();
        answer[0] = query[0];
        answer[1] = query[1];
        answer[2] = (byte) ((answer[2] & ~0x01) | (query[2] & 0x01));
        System.arraycopy(query, HEADER, answer, HEADER, nameEnd - HEADER);
        return answer;
    }

    private static boolean wellFormedOptions(byte[] q, int from, int end) {
        int i = from;
        while (i < end) {
            if (i + 4 > end) {
                return false;
            }
            i += 4 + u16(q, i + 2);
        }
        return i == end;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    static final class Key {
        private final byte[] bytes;
        private final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
