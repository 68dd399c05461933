package dev.digest.common.content;

import io.quarkus.qute.EvalContext;
import io.quarkus.qute.Expression;
import io.quarkus.qute.Results;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.ValueResolver;
import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The formatting helpers a template may call: {@code date}, {@code number}, {@code currency},
 * {@code truncate}, {@code plural} and {@code default}. Each is written out here over plain
 * values (text, numbers, instants); none reaches a Java method by name, so the sandbox stays
 * closed. The README's Content section documents them with examples.
 */
final class TemplateHelpers implements ValueResolver {

    /** Template instance attribute: the {@link ZoneId} dates are shown in unless a template names one. */
    static final String ZONE = "digest.time-zone";

    static final Set<String> NAMES = Set.of("date", "number", "currency", "truncate", "plural", "default");

    static final String DEFAULT_DATE_PATTERN = "d MMM yyyy, HH:mm z";
    private static final int MAX_ARGUMENT = 100;
    private static final Map<String, FormatStyle> STYLES = Map.of("short", FormatStyle.SHORT, "medium",
            FormatStyle.MEDIUM, "long", FormatStyle.LONG, "full", FormatStyle.FULL);

    @Override
    public boolean appliesTo(EvalContext context) {
        // A payload's own "date" or "number" field wins over the helper of the same name.
        return NAMES.contains(context.getName()) && !(context.getBase() instanceof Map);
    }

    @Override
    public CompletionStage<Object> resolve(EvalContext context) {
        CompletionStage<List<Object>> arguments = CompletableFuture.completedFuture(new ArrayList<>());
        for (Expression parameter : context.getParams()) {
            arguments = arguments.thenCompose(list -> context.evaluate(parameter).thenApply(value -> {
                list.add(value);
                return list;
            }));
        }
        return arguments.thenApply(list -> {
            try {
                return apply(context.getName(), context.getBase(), list, context);
            } catch (DateTimeException | IllegalArgumentException | ArithmeticException e) {
                throw new TemplateException(context.getName() + "(): " + readable(e));
            }
        });
    }

    private static Object apply(String name, Object base, List<Object> args, EvalContext context) {
        if (name.equals("default")) {
            boolean missing = base == null || Results.isNotFound(base) || base instanceof String s && s.isEmpty();
            return missing ? argument(args, 0, "default", "the value to show instead") : base;
        }
        if (base == null || Results.isNotFound(base)) {
            throw new IllegalArgumentException("there is no value to format; give one with default('...') first");
        }
        return switch (name) {
            case "date" -> date(base, args, context);
            case "number" -> NumberFormat.getNumberInstance(locale(args, 0)).format(number(base));
            case "currency" -> currency(base, args);
            case "truncate" -> truncate(String.valueOf(base), count(argument(args, 0, "truncate", "a length")));
            case "plural" -> plural(base, args);
            default -> throw new IllegalArgumentException("is not a helper");
        };
    }

    private static String date(Object base, List<Object> args, EvalContext context) {
        String pattern = args.isEmpty() ? DEFAULT_DATE_PATTERN : text(args.get(0));
        ZoneId zone = args.size() > 1 ? ZoneId.of(text(args.get(1))) : zone(context);
        Locale locale = locale(args, 2);
        FormatStyle style = STYLES.get(pattern);
        DateTimeFormatter format = style != null ? DateTimeFormatter.ofLocalizedDateTime(style, FormatStyle.SHORT)
                : DateTimeFormatter.ofPattern(pattern);
        return format.withLocale(locale).format(instant(base).withZoneSameInstant(zone));
    }

    private static ZoneId zone(EvalContext context) {
        return context.getAttribute(ZONE) instanceof ZoneId zone ? zone : ZoneOffset.UTC;
    }

    private static ZonedDateTime instant(Object base) {
        if (base instanceof Instant instant) {
            return instant.atZone(ZoneOffset.UTC);
        }
        if (base instanceof OffsetDateTime time) {
            return time.toZonedDateTime();
        }
        if (base instanceof ZonedDateTime time) {
            return time;
        }
        String value = text(base);
        try {
            return OffsetDateTime.parse(value).toZonedDateTime();
        } catch (DateTimeException e) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC);
            } catch (DateTimeException notADate) {
                throw new IllegalArgumentException("'" + shorten(value) + "' is not an ISO-8601 instant or date");
            }
        }
    }

    private static String currency(Object base, List<Object> args) {
        NumberFormat format = NumberFormat.getCurrencyInstance(locale(args, 1));
        format.setCurrency(Currency.getInstance(text(argument(args, 0, "currency", "an ISO 4217 code such as 'EUR'"))));
        return format.format(number(base));
    }

    private static String truncate(String value, int length) {
        if (value.codePointCount(0, value.length()) <= length) {
            return value;
        }
        return value.substring(0, value.offsetByCodePoints(0, Math.max(0, length - 1))) + "…";
    }

    private static String plural(Object base, List<Object> args) {
        BigDecimal count = number(base);
        String singular = text(argument(args, 0, "plural", "the singular word"));
        String plural = args.size() > 1 ? text(args.get(1)) : singular + "s";
        return count.stripTrailingZeros().toPlainString() + " " + (count.compareTo(BigDecimal.ONE) == 0 ? singular : plural);
    }

    private static BigDecimal number(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        if (value instanceof Double || value instanceof Float) {
            return BigDecimal.valueOf(((Number) value).doubleValue());
        }
        if (value instanceof Number number) {
            return new BigDecimal(number.toString());
        }
        String text = text(value);
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + shorten(text) + "' is not a number");
        }
    }

    private static Locale locale(List<Object> args, int index) {
        return args.size() > index ? Locale.forLanguageTag(text(args.get(index))) : Locale.ENGLISH;
    }

    private static int count(Object value) {
        BigDecimal number = number(value);
        int count = number.intValueExact();
        if (count < 1) {
            throw new IllegalArgumentException("the length must be at least 1");
        }
        return count;
    }

    private static Object argument(List<Object> args, int index, String helper, String what) {
        if (args.size() <= index || args.get(index) == null || Results.isNotFound(args.get(index))) {
            throw new IllegalArgumentException(helper + " needs " + what);
        }
        return args.get(index);
    }

    /** An argument as text, bounded: a pattern or a zone is a short literal, not a payload's essay. */
    private static String text(Object value) {
        String text = String.valueOf(value);
        if (text.length() > MAX_ARGUMENT && !(value instanceof Number)) {
            return text.substring(0, MAX_ARGUMENT);
        }
        return text;
    }

    private static String shorten(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }

    private static String readable(RuntimeException e) {
        if (e instanceof ArithmeticException) {
            return "expects a whole number";
        }
        String message = e.getMessage() == null ? "cannot format this value" : e.getMessage();
        return TemplateMessages.withoutJavaNames(message);
    }
}
