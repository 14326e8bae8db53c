#pragma warning disable ASPIREINTERACTION001 // The interaction service is experimental in Aspire 13.
#pragma warning disable ASPIRETERMINAL001 // So is the terminal prompt it declares.
using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Para.IntegrationTests.Infrastructure;

/// <summary>
/// The person at the dashboard, for commands that prompt: Aspire's test host runs without a
/// dashboard, so this takes the interaction service's place. It sees each prompt (title, message,
/// the input asked for) and answers through <see cref="Answer"/>, as a person would type it.
/// </summary>
public sealed class ScriptedDashboardUser : IInteractionService
{
    /// <summary>Every prompt the commands showed, in order.</summary>
    public ConcurrentQueue<(string Title, string Message, InteractionInput Input)> Prompts { get; } = new();

    /// <summary>Returns the value to enter, or null to press Cancel.</summary>
    public Func<string, string, InteractionInput, Task<string?>> Answer { get; set; } = (_, _, _) => Task.FromResult<string?>(null);

    public bool IsAvailable => true;

    public void ReplaceInteractionService(IDistributedApplicationTestingBuilder builder) =>
        builder.Services.AddSingleton<IInteractionService>(this);

    public async Task<InteractionResult<InteractionInput>> PromptInputAsync(
        string title, string? message, InteractionInput input, InputsDialogInteractionOptions? options = null, CancellationToken cancellationToken = default)
    {
        Prompts.Enqueue((title, message ?? "", input));
        var value = await Answer(title, message ?? "", input);
        if (value is null)
        {
            return InteractionResult.Cancel<InteractionInput>();
        }

        input.Value = value;
        return InteractionResult.Ok(input);
    }

    public Task<InteractionResult<InteractionInput>> PromptInputAsync(
        string title, string? message, string inputLabel, string placeHolder, InputsDialogInteractionOptions? options = null, CancellationToken cancellationToken = default) =>
        PromptInputAsync(title, message, new InteractionInput { Name = inputLabel, Label = inputLabel, InputType = InputType.Text, Placeholder = placeHolder }, options, cancellationToken);

    public async Task<InteractionResult<InteractionInputCollection>> PromptInputsAsync(
        string title, string? message, IReadOnlyList<InteractionInput> inputs, InputsDialogInteractionOptions? options = null, CancellationToken cancellationToken = default)
    {
        foreach (var input in inputs)
        {
            var answered = await PromptInputAsync(title, message, input, options, cancellationToken);
            if (answered.Canceled)
            {
                return InteractionResult.Cancel<InteractionInputCollection>();
            }
        }

        return InteractionResult.Ok(new InteractionInputCollection(inputs));
    }

    public Task<InteractionResult<bool>> PromptConfirmationAsync(string title, string message, MessageBoxInteractionOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(InteractionResult.Ok(true));

    public Task<InteractionResult<bool>> PromptMessageBoxAsync(string title, string message, MessageBoxInteractionOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(InteractionResult.Ok(true));

    public Task<InteractionResult<bool>> PromptNotificationAsync(string title, string message, NotificationInteractionOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(InteractionResult.Ok(true));

    public Task<InteractionResult<bool>> PromptProgressAsync(string title, ProgressInteractionOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Para's commands show no progress dialog.");

    public Task<InteractionResult<bool>> PromptTerminalAsync(string title, AspireTerminal terminal, TerminalInteractionOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Para's commands open no terminal.");
}
