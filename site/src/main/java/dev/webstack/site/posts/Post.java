package dev.webstack.site.posts;

import java.time.Instant;

/**
 * A post as stored, with its author's name.
 *
 * @param id the post id
 * @param authorId the author's user id
 * @param author the author's username
 * @param title 1 to 200 characters, trimmed
 * @param body 1 to 20,000 characters, trimmed, line breaks as \n
 * @param createdAt when it was written (UTC)
 * @param updatedAt when it was last edited (UTC); equal to createdAt if never
 */
public record Post(long id, long authorId, String author, String title, String body, Instant createdAt,
        Instant updatedAt) {

    /** How much of the body a listing shows. */
    public static final int EXCERPT_CHARACTERS = 280;

    /** The first paragraph-ish part of the body for listings: at most max characters, cut at a space. */
    public String excerpt(int max) {
        if (body.codePointCount(0, body.length()) <= max) {
            return body;
        }
        int end = body.offsetByCodePoints(0, max);
        int space = body.lastIndexOf(' ', end);
        return body.substring(0, space > max / 2 ? space : end).strip() + "…";
    }

    public boolean isEdited() {
        return updatedAt.isAfter(createdAt);
    }
}
