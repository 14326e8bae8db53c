// Terminal.Gui applications share process-wide driver and configuration state; one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
