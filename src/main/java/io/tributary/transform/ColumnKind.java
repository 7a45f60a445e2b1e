package io.tributary.transform;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/** The inferred types of text inputs, with their SQL name and Avro representation. */
enum ColumnKind {
  BIGINT("BIGINT"), DOUBLE("DOUBLE"), BOOLEAN("BOOLEAN"), DATE("DATE"), TIMESTAMP("TIMESTAMP"), VARCHAR("VARCHAR");

  final String sqlName;

  ColumnKind(String sqlName) {
    this.sqlName = sqlName;
  }

  /** The Avro type of a value of this kind (the field is a union with null). */
  Schema avro() {
    return switch (this) {
      case BIGINT -> Schema.create(Schema.Type.LONG);
      case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
      case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
      case DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
      case TIMESTAMP -> LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
      case VARCHAR -> {
        Schema s = Schema.create(Schema.Type.STRING);
        s.addProp("avro.java.string", "String");
        yield s;
      }
    };
  }
}
