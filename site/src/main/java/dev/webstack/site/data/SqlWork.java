package dev.webstack.site.data;

import java.sql.Connection;
import java.sql.SQLException;

/** One unit of JDBC work on a borrowed connection. */
@FunctionalInterface
public interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
