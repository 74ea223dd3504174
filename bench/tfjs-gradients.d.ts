// tfjs-core's gradient registrations are a side-effect module its package.json types don't list.
declare module '@tensorflow/tfjs-core/dist/register_all_gradients';
