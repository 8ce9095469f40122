package dev.webstack.site.web;

import io.javalin.http.Context;

/**
 * Which slice of a list a request asks for. {@code ?page=} is 1-based, a whole number from 1 to
 * {@link #MAX_PAGE}; anything else (0, -1, abc, 1.5) is a 400, not silently page 1, so a broken link shows up.
 * {@code ?per_page=} (API only) must be a whole number of at least 1; above the maximum it is capped. A listing
 * reaches back {@link #MAX_ROWS} items at most (the database skips every row before the page): a page beyond
 * that is a 400; every post keeps its own page.
 *
 * @param page the 1-based page number
 * @param perPage items per page
 */
public record PageRequest(int page, int perPage) {

    public static final int MAX_PAGE = 100_000;
    public static final int DEFAULT_PER_PAGE = 20;
    public static final int MAX_PER_PAGE = 100;
    public static final long MAX_ROWS = 100_000;

    /** The page of a listing with the fixed page size (HTML pages). */
    public static PageRequest pageOnly(Context ctx) {
        return withinReach(page(ctx), DEFAULT_PER_PAGE);
    }

    /** The page and page size (API). */
    public static PageRequest withPerPage(Context ctx) {
        int page = page(ctx);
        String text = ctx.queryParam("per_page");
        if (text == null || text.isEmpty()) {
            return withinReach(page, DEFAULT_PER_PAGE);
        }
        boolean digits = text.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digits || text.chars().allMatch(c -> c == '0')) {
            throw invalid("per_page", "per_page: " + text + " (expected: a whole number from 1 to " + MAX_PER_PAGE + ")");
        }
        long perPage = text.length() > 3 ? MAX_PER_PAGE : Long.parseLong(text); // capped, however many digits
        return withinReach(page, (int) Math.min(perPage, MAX_PER_PAGE));
    }

    private static PageRequest withinReach(int page, int perPage) {
        if ((long) page * perPage > MAX_ROWS) {
            throw invalid("page", "page: " + page + " (expected: at most " + (MAX_ROWS / perPage) + " with "
                    + perPage + " per page; a listing reaches back " + MAX_ROWS + " items)");
        }
        return new PageRequest(page, perPage);
    }

    public long offset() {
        return (long) (page - 1) * perPage;
    }

    private static int page(Context ctx) {
        String text = ctx.queryParam("page");
        if (text == null || text.isEmpty()) {
            return 1;
        }
        long page = wholeNumber(text);
        if (page < 1 || page > MAX_PAGE) {
            throw invalid("page", "page: " + text + " (expected: a whole number from 1 to " + MAX_PAGE + ")");
        }
        return (int) page;
    }

    /** The value, or -1 when it is not plain digits (signs, spaces, decimals and overflow included). */
    private static long wholeNumber(String text) {
        if (text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(text);
    }

    private static HttpError invalid(String field, String message) {
        return HttpError.invalid(400, message, FieldErrors.none().add(field, message));
    }
}
