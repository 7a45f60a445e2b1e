package io.tributary.transform;

/** The input cannot become a dataset; the message is for the user (it names the line or offset). */
public final class ConversionException extends Exception {

  public ConversionException(String message) {
    super(message, null, false, false);
  }
}
