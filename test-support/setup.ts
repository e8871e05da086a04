import { installUnhandledGuard } from './unhandled';

installUnhandledGuard();
