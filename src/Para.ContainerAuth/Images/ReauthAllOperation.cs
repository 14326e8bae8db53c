using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Para.ContainerAuth.Containers;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Jobs;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Images;

/// <summary>
/// The seed's reauth-all script as one job: the base first (custom images are built on it), then
/// every custom image and, when asked, every running para container, a few at a time. One item
/// failing is that item's outcome, never the end of the run.
/// </summary>
public sealed class ReauthAllOperation(
    ImageOperations images,
    ContainerOperations containers,
    ICredentialSource credentialSource,
    IOptions<ContainerAuthOptions> options)
{
    public async Task<JobOutcome> RunAsync(ReauthAllRequest request, Job job, CancellationToken cancellationToken)
    {
        var account = await images.ResolveAccountAsync(request.Account, cancellationToken);
        job.Report("credentials", 0.02, $"asking the account API for {account}");
        var credentials = await credentialSource.GetAsync(account, cancellationToken);

        var outcomes = new ConcurrentBag<ReauthItemOutcome>();
        var baseOutcome = await RunItemAsync("base", options.Value.BaseImage, options.Value.AuthenticatedImage,
            ct => images.AuthenticateImageAsync(options.Value.BaseImage, credentials, ct), cancellationToken);
        outcomes.Add(baseOutcome);

        var customImages = await images.ListCustomImagesAsync(cancellationToken);
        var runningContainers = request.IncludeContainers ? await containers.ListRunningParaContainersAsync(cancellationToken) : [];
        var total = 1 + customImages.Count + runningContainers.Count;
        var done = 1;
        job.Report("base", (double)done / total, Describe(baseOutcome));

        var work = customImages.Select(image => (Kind: "image", Name: image))
            .Concat(runningContainers.Select(container => (Kind: "container", Name: container)));
        var parallelism = Math.Clamp(request.MaxParallelism ?? options.Value.MaxParallelism, 1, 32);
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                var outcome = item.Kind == "image"
                    ? await RunItemAsync("image", item.Name, ImageNames.AuthenticatedNameFor(item.Name, options.Value),
                        token => images.AuthenticateImageAsync(item.Name, credentials, token), ct)
                    : await RunItemAsync("container", item.Name, item.Name,
                        async token => (await containers.ReauthAsync(item.Name, new ContainerReauthRequest(), credentials, null, token)).Container, ct);
                outcomes.Add(outcome);
                job.Report(item.Kind, (double)Interlocked.Increment(ref done) / total, Describe(outcome));
            });

        var ordered = outcomes.OrderBy(outcome => outcome.Kind switch { "base" => 0, "image" => 1, _ => 2 })
            .ThenBy(outcome => outcome.Source, StringComparer.Ordinal)
            .ToArray();
        var failed = ordered.Count(outcome => !outcome.Succeeded);
        var result = new ReauthAllResult(ordered.Length - failed, failed, ordered);
        return failed == 0
            ? new JobOutcome(result, $"{ordered.Length} item(s) reauthenticated")
            : new JobOutcome(result, null, $"{failed} of {ordered.Length} item(s) failed");
    }

    private static async Task<ReauthItemOutcome> RunItemAsync(string kind, string source, string target, Func<CancellationToken, Task<string>> work,
        CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await work(cancellationToken);
            return new ReauthItemOutcome(kind, source, target, true, null, stopwatch.Elapsed);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ReauthItemOutcome(kind, source, target, false, JobRunner.OneLine(exception), stopwatch.Elapsed);
        }
    }

    private static string Describe(ReauthItemOutcome outcome) =>
        outcome.Succeeded ? $"{outcome.Source} → {outcome.Target}" : $"{outcome.Source} failed: {outcome.Error}";
}
