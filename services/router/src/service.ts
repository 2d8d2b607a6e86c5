/**
 * The router service's entry point for the process composer (services/app). Its features land with
 * their own issue (see README.md); until then it contributes nothing but its presence, so the
 * all-in-one runner and `npm run start:router` already start it.
 */
import type { ServiceFactory } from '@cov/shared/runtime/service';

export const createRouterService: ServiceFactory = async () => ({ name: 'router' });
