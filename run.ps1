#!/usr/bin/env pwsh
# The project's launcher for PowerShell, with the same verbs as ./run: setup, build, test, demo,
# bench, doctor; anything else goes to the pipeline CLI (./run.ps1 train --config x.json).
# Deliberately thin: the logic lives in the CLI (pipeline/Setup, pipeline/Commands). PowerShell is
# not on the dev machine, so tests/Cli/Launchers parses both launchers and checks they agree.
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    Write-Error "run: the .NET 10 SDK is required and 'dotnet' is not on PATH. Install it, then run this again."
    exit 1
}
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

$Cli = 'pipeline/bin/Release/net10.0/pipeline.dll'
function Invoke-Checked([string]$exe, [string[]]$arguments) {
    & $exe @arguments
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}
# Build output is shown only when the build fails.
function Build-Quiet([string]$target, [string[]]$extra = @()) {
    $out = & dotnet build $target -c Release --nologo -v quiet '-clp:ErrorsOnly' @extra 2>&1
    if ($LASTEXITCODE -ne 0) { $out | Write-Host; exit $LASTEXITCODE }
}
function Invoke-Setup([string[]]$arguments) {
    Build-Quiet 'pipeline/Pipeline.csproj'
    Invoke-Checked dotnet (@($Cli, 'setup') + $arguments)
}

$verb = if ($args.Count -gt 0) { [string]$args[0] } else { 'help' }
$rest = if ($args.Count -gt 1) { [string[]]$args[1..($args.Count - 1)] } else { @() }

switch ($verb) {
    'setup'  { Invoke-Setup (@('--for-tests') + $rest) }
    'build'  { Invoke-Setup @('--quiet'); Build-Quiet 'Pipeline.sln' $rest }
    'test' {
        Invoke-Setup @('--quiet', '--for-tests')
        Build-Quiet 'Pipeline.sln'
        $results = '.build/test-results'
        if (Test-Path $results) { Remove-Item -Recurse -Force $results }
        & dotnet test tests/Pipeline.Tests.csproj -c Release --no-build --nologo `
            --logger 'trx;LogFileName=tests.trx' --results-directory $results @rest
        $status = $LASTEXITCODE
        $trx = Get-ChildItem -Recurse -Filter *.trx $results -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($trx) {
            $c = ([xml](Get-Content $trx.FullName)).TestRun.ResultSummary.Counters
            "tests: $($c.passed) passed, $($c.failed) failed, $([int]$c.total - [int]$c.executed) skipped"
        } else {
            'tests: 0 passed, 1 failed (no test results were written)'
            if ($status -eq 0) { $status = 1 }
        }
        exit $status
    }
    'demo'   { Invoke-Setup @('--quiet'); Invoke-Checked dotnet (@($Cli, 'demo') + $rest) }
    'bench'  { Invoke-Setup @('--quiet', '--for-bench'); Invoke-Checked dotnet (@('run', '--project', 'bench', '-c', 'Release', '--') + $rest) }
    'doctor' { Invoke-Setup @('--quiet'); Invoke-Checked dotnet (@($Cli, 'doctor') + $rest) }
    { $_ -in 'help', '-h', '--help' } {
        'usage: ./run.ps1 {setup|build|test|demo|bench|doctor} [args], or ./run.ps1 <pipeline verb> [args]'
        if (Test-Path $Cli) { & dotnet $Cli --help }
    }
    default  { Invoke-Setup @('--quiet'); Invoke-Checked dotnet (@($Cli, $verb) + $rest) }
}
