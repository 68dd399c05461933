package dev.digest.api.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call a resource method: an application key holding {@link #value()}, or the admin
 * key when {@link #admin()} is set, or both when {@link #orAdmin()} is set (the admin then acts
 * on every application: {@link CurrentCaller#applicationId()} is null), or any valid key when
 * {@link #anyKey()} is set, or anyone when {@link #open()} is set (the credential is then
 * something else, such as a signed token). A method's annotation overrides its class's. A
 * resource with none is refused to everyone, so a forgotten annotation fails closed.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Access {

    Scope value() default Scope.READ;

    boolean admin() default false;

    boolean orAdmin() default false;

    boolean anyKey() default false;

    boolean open() default false;
}
