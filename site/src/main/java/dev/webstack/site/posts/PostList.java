package dev.webstack.site.posts;

import dev.webstack.site.web.PageRequest;
import java.util.List;

/**
 * One page of posts, newest first, and where it sits in the whole list.
 *
 * @param items the posts on this page (empty past the last page)
 * @param request the page asked for
 * @param total how many posts the whole list has
 */
public record PostList(List<Post> items, PageRequest request, long total) {

    public int page() {
        return request.page();
    }

    public int totalPages() {
        return (int) Math.max(1, (total + request.perPage() - 1) / request.perPage());
    }

    public boolean hasPrevious() {
        return request.page() > 1;
    }

    public boolean hasNext() {
        return request.page() < totalPages();
    }
}
