/**
 * Adapters from a user's TorchScript files to the model interfaces, with gradients to the inputs (loaded with
 * {@code trainParam=true}, eval mode, frozen weights). Start with
 * {@link io.genalign.core.model.torchscript.TorchScriptGenerator}; {@link io.genalign.core.model.torchscript.ConditionInput}
 * says how a condition reaches {@code forward}. Invariant: libtorch errors become one line naming the file; the
 * interface stays in the module's data type (casts outside would cut the gradient).
 */
package io.genalign.core.model.torchscript;
