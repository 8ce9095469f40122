package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A logged-in session is extended at most once an hour, whatever its age: not a database write per request. */
class SessionRefreshTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    @Test
    void anOldSessionSeenRecentlyIsNotWrittenOnEveryRequest() throws Exception {
        Browser member = SITE.member("veteran");
        String user = member.get("/api/session").body();
        assertThat(user).contains("csrf_token");
        // 20 days old, last extended ten minutes ago: near its 30-day cap, so it has less than 14 days left
        age(member, "20 DAY", "10 MINUTE");
        Timestamp before = lastSeen(member);
        for (int i = 0; i < 3; i++) {
            assertThat(member.get("/").statusCode()).isEqualTo(200);
        }
        assertThat(lastSeen(member)).isEqualTo(before);

        // last extended two hours ago: this request extends it
        age(member, "20 DAY", "2 HOUR");
        Timestamp stale = lastSeen(member);
        assertThat(member.get("/").statusCode()).isEqualTo(200);
        assertThat(lastSeen(member)).isAfter(stale);
    }

    private static void age(Browser member, String created, String seen) throws Exception {
        try (Connection c = TestDatabase.connect(); PreparedStatement update = c.prepareStatement(
                "UPDATE sessions SET created_at = UTC_TIMESTAMP(3) - INTERVAL " + created + ","
                        + " last_seen = UTC_TIMESTAMP(3) - INTERVAL " + seen + ","
                        + " expires_at = UTC_TIMESTAMP(3) + INTERVAL 10 DAY WHERE id = SHA2(?, 256)")) {
            update.setString(1, member.cookie("sid"));
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static Timestamp lastSeen(Browser member) throws Exception {
        try (Connection c = TestDatabase.connect(); PreparedStatement select = c.prepareStatement(
                "SELECT last_seen FROM sessions WHERE id = SHA2(?, 256)")) {
            select.setString(1, member.cookie("sid"));
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getTimestamp(1);
            }
        }
    }
}
