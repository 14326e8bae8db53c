using Para.Contracts.ContainerAuth;

namespace Para.Client;

public static class JobFollower
{
    /// <summary>
    /// Follows a container-auth job's event stream to its end, telling each step to
    /// <paramref name="onStep"/>, and returns the finished job as the service records it.
    /// </summary>
    public static async Task<JobInfo> FollowToEndAsync(
        this IContainerAuthApi api, JobInfo started, Action<JobEvent>? onStep, CancellationToken cancellationToken)
    {
        await using (var stream = await api.StreamJobEventsAsync(started.Id, cancellationToken).ConfigureAwait(false))
        {
            await foreach (var jobEvent in JobEventStream.ReadAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                onStep?.Invoke(jobEvent);
            }
        }

        return await api.GetJobAsync(started.Id, cancellationToken).ConfigureAwait(false);
    }
}
