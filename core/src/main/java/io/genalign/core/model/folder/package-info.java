/**
 * A user's model folder as a {@link io.genalign.core.model.ModelSet}: {@link io.genalign.core.model.folder.ModelFolder}
 * reads and validates {@code genalign-model.json} (format 1) and the files it names,
 * {@link io.genalign.core.model.folder.FolderModelSet} loads the TorchScript modules lazily through the adapters of
 * {@link io.genalign.core.model.torchscript}, and {@link io.genalign.core.model.folder.HuggingFacePromptTokenizer}
 * turns prompts into fixed-length token ids for {@code tokens:NAME} conditions. Every problem with a folder is a
 * {@link io.genalign.core.model.folder.ModelFolderException} whose one-line message starts with the folder-relative
 * file at fault.
 */
package io.genalign.core.model.folder;
