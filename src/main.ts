// Meridian's entry point. Node's compile cache is turned on before the application's
// modules load (they are imported dynamically for that reason): later starts reuse the
// compiled code of about 2,000 modules, which took a quarter off the time to the first
// ready answer in bench/README.md. The cache lives in NODE_COMPILE_CACHE when set, else
// under the OS temporary folder; where neither is writable it is simply not used.
import module from 'node:module';

module.enableCompileCache?.();
await import('./server.js');
