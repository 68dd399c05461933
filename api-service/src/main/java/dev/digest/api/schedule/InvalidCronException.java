package dev.digest.api.schedule;

/** A cron expression that is not valid Quartz, or uses a Quartz construct Digest does not evaluate. */
public class InvalidCronException extends IllegalArgumentException {

    public InvalidCronException(String message) {
        super(message);
    }

    static InvalidCronException in(String field, String item, String why) {
        return new InvalidCronException(field + " '" + item + "': " + why);
    }
}
