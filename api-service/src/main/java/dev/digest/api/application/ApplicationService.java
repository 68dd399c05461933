package dev.digest.api.application;

import dev.digest.api.web.ExpectedVersion;
import dev.digest.api.web.Page;
import dev.digest.api.web.PageRequest;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Creates, changes and removes applications. Removing one removes everything it owns. */
@ApplicationScoped
public class ApplicationService {

    private final ApplicationRepository applications;

    public ApplicationService(ApplicationRepository applications) {
        this.applications = applications;
    }

    @WithTransaction
    public Uni<Application> create(ApplicationRequest request) {
        Application application = new Application();
        application.name = request.name();
        application.slug = request.slug();
        application.senderName = request.senderName();
        application.senderAddress = request.senderAddress();
        application.replyTo = request.replyTo();
        return applications.persistAndFlush(application);
    }

    public Uni<Application> get(UUID id) {
        return applications.findExisting(id);
    }

    public Uni<Page<ApplicationResponse>> list(String slugPrefix, PageRequest page) {
        return applications.page(slugPrefix, page)
                .map(rows -> Page.of(rows, page, a -> a.id, ApplicationResponse::from));
    }

    @WithTransaction
    public Uni<Application> update(UUID id, ApplicationRequest request, ExpectedVersion expected) {
        return applications.findExisting(id).invoke(application -> {
            expected.check(application.version);
            application.name = request.name();
            application.slug = request.slug();
            application.senderName = request.senderName();
            application.senderAddress = request.senderAddress();
            application.replyTo = request.replyTo();
        }).call(applications::flush);
    }

    @WithTransaction
    public Uni<Void> delete(UUID id) {
        return applications.findExisting(id).call(applications::delete).replaceWithVoid();
    }
}
