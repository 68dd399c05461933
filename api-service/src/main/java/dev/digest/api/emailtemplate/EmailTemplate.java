package dev.digest.api.emailtemplate;

import dev.digest.api.tenant.TenantEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** The subject, HTML and text of a digest email, each a Qute template. Its version increases on every change. */
@Entity
@Table(name = "digest_email_templates")
public class EmailTemplate extends TenantEntity {

    public String name;

    public String subject;

    @Column(name = "html_body")
    public String html;

    @Column(name = "text_body")
    public String text;
}
