package dev.digest.api.web;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An e-mail address the worker can put in a header: syntactically an address, and free of
 * spaces, control characters (a CR LF would start a new header) and invisible formatting
 * characters (a right-to-left override makes an address read as another).
 */
@NotBlank
@Email
@Size(max = 254)
@Pattern(regexp = "[^\\p{Cc}\\p{Cf}\\p{Z}]+", message = "must not contain spaces, control or invisible formatting characters")
@Constraint(validatedBy = {})
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
public @interface Address {

    String message() default "must be an e-mail address";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
