package io.tributary.transform;

/**
 * An input beyond one of the {@link InputLimits}, thrown where checked exceptions cannot go (parser callbacks); the
 * converters turn it into a {@link ConversionException} with the same message.
 */
final class InputLimitException extends RuntimeException {

  InputLimitException(String message) {
    super(message, null, false, false);
  }
}
