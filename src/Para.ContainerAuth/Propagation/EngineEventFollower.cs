using Para.ContainerAuth.Containers;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Events;
using Para.ContainerAuth.Images;
using Para.Contracts.Events;
using Para.ServiceDefaults.Events;

namespace Para.ContainerAuth.Propagation;

/// <summary>
/// Follows the engine's event stream: a para container starting asks for a feeding pass at once
/// (so a container from an image Para wrote holds the account's current token within about a
/// second, with no step by the user), one dying or removed asks for a pass that forgets it, and
/// every change is published on <c>/api/events</c>. When the engine goes away it reconnects with
/// backoff; events missed meanwhile are made up by a pass right after (and the periodic scan).
/// </summary>
public sealed partial class EngineEventFollower(
    DockerEngine engine,
    ContainerOperations containers,
    TemporaryContainers temporaries,
    FeedPassSignal passRequests,
    FeedLedger ledger,
    ContainerAuthEventHub events,
    Microsoft.Extensions.Options.IOptions<ContainerAuthOptions> options,
    TimeProvider timeProvider,
    ILogger<EngineEventFollower> logger) : BackgroundService
{
    private int _following;

    /// <summary>True while the engine's stream is open (from the request on; the engine confirms nothing).</summary>
    public bool IsFollowing => Volatile.Read(ref _following) == 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start: settings that fail validation are the host's to report, once.
        await Task.Yield();
        DateTimeOffset? lastSeen = null;
        try
        {
            await ReconnectingFeed.FollowAsync(
                async (feed, cancellationToken) =>
                {
                    try
                    {
                        await engine.EnsureAvailableAsync(cancellationToken);
                        Volatile.Write(ref _following, 1);
                        if (feed.IsReconnect)
                        {
                            // What happened while the stream was down went unseen: a pass now, and clients re-read.
                            LogReconnected(logger);
                            events.Publish(new ContainerAuthEvent(ContainerAuthEventTypes.EngineReconnected));
                            passRequests.Request();
                        }

                        // The engine replays what it still holds since the last event seen (nothing after a restart).
                        await foreach (var engineEvent in engine.WatchEventsAsync(lastSeen, cancellationToken))
                        {
                            feed.Delivered();
                            lastSeen = engineEvent.Time ?? lastSeen;
                            Handle(engineEvent);
                        }
                    }
                    finally
                    {
                        Volatile.Write(ref _following, 0);
                    }
                },
                isLoss: exception => exception is DockerUnavailableException or DockerOperationException,
                onLost: (failure, wait) =>
                {
                    if (failure is not null)
                    {
                        LogStreamLost(logger, failure.Message, wait.TotalSeconds);
                    }
                },
                timeProvider,
                stoppingToken);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException)
        {
            // The host reports invalid settings, once, and does not start.
        }
    }

    private void Handle(EngineEvent engineEvent)
    {
        if (engineEvent.Name is not { } name)
        {
            return;
        }

        if (engineEvent.Type == EngineEvent.ContainerType)
        {
            if (!containers.IsParaContainer(name))
            {
                return;
            }

            var type = engineEvent.Action switch
            {
                "start" => ContainerAuthEventTypes.ContainerStarted,
                "die" => ContainerAuthEventTypes.ContainerStopped,
                "destroy" => ContainerAuthEventTypes.ContainerRemoved,
                _ => null,
            };
            if (type is null)
            {
                return;
            }

            // Start: fed by this pass. Die and destroy: forgotten here (the engine may still list it
            // as running for a moment), so a container that runs again is fed again; the pass tidies up.
            if (type != ContainerAuthEventTypes.ContainerStarted)
            {
                ledger.Forget(engineEvent.ActorId);
            }

            passRequests.Request();
            events.Publish(new ContainerAuthEvent(type)
            {
                Container = name,
                ContainerId = engineEvent.ActorId,
                Image = engineEvent.Attributes.GetValueOrDefault("image"),
                Account = CredentialLabels.Read(engineEvent.Attributes, CredentialLabels.Account),
            });
        }
        else if (engineEvent.Type == EngineEvent.ImageType)
        {
            if (engineEvent.Action == "tag")
            {
                if (name.StartsWith(options.Value.NamePrefix, StringComparison.Ordinal) && !temporaries.IsTemporary(name))
                {
                    events.Publish(new ContainerAuthEvent(ContainerAuthEventTypes.ImageTagged) { Image = name });
                }
            }
            else if (engineEvent.Action is "untag" or "delete")
            {
                // The engine names only the image's id here: whether it was a para image is unknown.
                events.Publish(new ContainerAuthEvent(ContainerAuthEventTypes.ImageRemoved) { Image = name });
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Following the engine's events again; a feeding pass makes up for what was missed")]
    private static partial void LogReconnected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The engine's event stream is not available ({Reason}); again in {Seconds} s")]
    private static partial void LogStreamLost(ILogger logger, string reason, double seconds);
}
