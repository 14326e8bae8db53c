using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Tui.Cli;
using Para.Tui.Services;
using Para.Tui.ViewModels;
using Para.Tui.Views;
using Terminal.Gui.App;

namespace Para.Tui;

/// <summary><c>para</c> with no arguments: the console over both services.</summary>
internal static class ParaConsole
{
    public static int Run()
    {
        using var host = ParaServices.Build();
        ConsoleOptions options;
        try
        {
            options = ConsoleOptions.From(host.Services.GetRequiredService<IConfiguration>());
        }
        catch (InvalidOperationException exception)
        {
            return new CliConsole(Console.Out, Console.Error).Fail(exception.Message);
        }

        var data = new RefitConsoleData(
            host.Services.GetRequiredService<IAccountsApi>(), host.Services.GetRequiredService<IContainerAuthApi>(), host.Services.GetRequiredService<IGatewayApi>());
        var model = new ConsoleViewModel(data, TimeProvider.System, options);
        string? failure = null;
        using (var stopping = new CancellationTokenSource())
        {
            QuietMainLoop.BeforeInit();
            using IApplication app = Application.Create().Init();
            QuietMainLoop.Apply(app);
            using var window = new ConsoleWindow(app, model, stopping);
            window.Start();
            try
            {
                app.Run(window);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                failure = ServiceErrors.Describe(exception);
            }
            finally
            {
                stopping.Cancel();
            }
        }

        // Only after the terminal is restored: one line, never a stack trace.
        return failure is null ? 0 : new CliConsole(Console.Out, Console.Error).Fail(failure);
    }
}
