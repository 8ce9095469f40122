package dev.webstack.site.posts;

import dev.webstack.site.web.FieldErrors;

/**
 * A post's fields as submitted, trimmed, with Windows line breaks made \n. Rules: title 1 to 200 characters,
 * body 1 to 20,000 characters (Unicode code points, as a person counts them). Text is stored as typed: HTML
 * and SQL are just characters here, escaped on output and bound as parameters.
 *
 * @param title the trimmed title ("" when missing)
 * @param body the trimmed body ("" when missing)
 */
public record PostInput(String title, String body) {

    public static final int MAX_TITLE = 200;
    public static final int MAX_BODY = 20_000;

    public static PostInput of(String title, String body) {
        return new PostInput(clean(title), clean(body));
    }

    FieldErrors validate() {
        FieldErrors errors = FieldErrors.none();
        check(errors, "title", title, MAX_TITLE, "Give your post a title.");
        check(errors, "body", body, MAX_BODY, "Write something in your post.");
        return errors;
    }

    private static void check(FieldErrors errors, String field, String value, int max, String whenEmpty) {
        if (value.isEmpty()) {
            errors.add(field, whenEmpty);
            return;
        }
        int length = value.codePointCount(0, value.length());
        if (length > max) {
            errors.add(field, "At most " + max + " characters (this has " + length + ").");
        }
    }

    private static String clean(String text) {
        return text == null ? "" : text.replace("\r\n", "\n").replace('\r', '\n').strip();
    }
}
