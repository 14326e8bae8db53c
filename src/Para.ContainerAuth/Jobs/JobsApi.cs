using Microsoft.AspNetCore.Http.HttpResults;
using Para.Contracts.ContainerAuth;
using Para.ServiceDefaults.Security;

namespace Para.ContainerAuth.Jobs;

/// <summary><c>/api/jobs</c>: the long operations, their state, and their steps as server-sent events.</summary>
public static class JobsApi
{
    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/jobs")
            .WithTags("Jobs")
            .RequireAuthorization(AdminKeyAuthentication.PolicyName);

        group.MapGet("/", ListJobs).WithName("ListJobs").WithSummary("Jobs, newest first.");
        group.MapGet("/{id}", GetJob).WithName("GetJob").WithSummary("One job's state, progress and result.");
        group.MapGet("/{id}/events", StreamJobEvents).WithName("StreamJobEvents")
            .WithSummary("Server-sent events: one 'step' event per step with progress, until the job ends.");
        return group;
    }

    public static Ok<JobInfo[]> ListJobs(JobRunner jobs) =>
        TypedResults.Ok(jobs.List().Select(job => job.Snapshot()).ToArray());

    public static Results<Ok<JobInfo>, NotFound> GetJob(string id, JobRunner jobs) =>
        jobs.Find(id) is { } job ? TypedResults.Ok(job.Snapshot()) : TypedResults.NotFound();

    public static Results<ServerSentEventsResult<JobEvent>, NotFound> StreamJobEvents(string id, JobRunner jobs, CancellationToken cancellationToken) =>
        jobs.Find(id) is { } job
            ? TypedResults.ServerSentEvents(job.ReadEventsAsync(cancellationToken), eventType: "step")
            : TypedResults.NotFound();
}
