package io.tributary.query;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Renaming tables in SQL text")
class SqlRenameTest {

  private static final Map<String, String> NAMES = Map.of("sales", "copy_sales");

  @Test
  @DisplayName("tables and their qualifiers are renamed in any case, quoted or not")
  void renamesTables() {
    assertThat(SqlRename.tables("SELECT Sales.amount FROM SALES JOIN \"sales\" s ON true", NAMES))
      .isEqualTo("SELECT copy_sales.amount FROM copy_sales JOIN \"copy_sales\" s ON true");
  }

  @Test
  @DisplayName("literals, comments, columns after a dot, functions and longer words stay")
  void leavesTheRest() {
    String sql = "SELECT 'sales' AS s, t.sales, sales(1), sales_2 -- sales\nFROM x t /* sales */";
    assertThat(SqlRename.tables(sql, NAMES)).isEqualTo(sql);
    assertThat(SqlRename.tables("SELECT 'it''s sales' FROM sales", NAMES))
      .isEqualTo("SELECT 'it''s sales' FROM copy_sales");
  }
}
