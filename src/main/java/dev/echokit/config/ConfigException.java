package dev.echokit.config;

/** A configuration mistake the user can fix: the message names the key, the value and what is allowed. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
