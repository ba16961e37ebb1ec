/**
 * Small dense linear algebra in double precision that DJL does not offer on every engine: the symmetric
 * eigendecomposition ({@link io.genalign.core.linalg.SymmetricEigen}) used by FID's matrix square root and by PRNO.
 */
package io.genalign.core.linalg;
