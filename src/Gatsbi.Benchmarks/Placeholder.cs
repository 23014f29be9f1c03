namespace Gatsbi.Benchmarks;
